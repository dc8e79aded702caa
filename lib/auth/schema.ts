import { z } from "zod";
import { ROLES } from "./caller";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-rules";

const ZEmail = z
  .string({ error: "email must be text" })
  .trim()
  .toLowerCase()
  .max(254, "email must be at most 254 characters")
  .pipe(z.email({ error: "email must be an email address, such as soc@example.com" }));

const ZNewPassword = z
  .string({ error: "password must be text" })
  .min(PASSWORD_MIN_LENGTH, `password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `password must be at most ${PASSWORD_MAX_LENGTH} characters`);

const ZRole = z.enum(ROLES, { error: "role must be admin or viewer" });

export const ZSignIn = z.strictObject({
  email: z
    .string({ error: "email must be text" })
    .max(254, "email must be at most 254 characters")
    .refine((v) => v.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(v), "email must not contain control characters"),
  password: z
    .string({ error: "password must be text" })
    .max(PASSWORD_MAX_LENGTH, `password must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export const ZSetup = z.strictObject({
  setupCode: z
    .string({ error: "setupCode must be text" })
    .trim()
    .min(1, "setupCode is required: copy it from the setup-code file")
    .max(200, "setupCode must be at most 200 characters"),
  email: ZEmail,
  password: ZNewPassword,
});

export const ZCreateUser = z.strictObject({ email: ZEmail, password: ZNewPassword, role: ZRole });

export const ZUpdateUser = z
  .strictObject({ role: ZRole.optional(), password: ZNewPassword.optional() })
  .refine((v) => v.role !== undefined || v.password !== undefined, {
    error: "role or password is required",
    path: ["role"],
  });

export const ZCreateApiKey = z.strictObject({
  name: z
    .string({ error: "name must be text" })
    .trim()
    .min(1, "name is required")
    .max(100, "name must be at most 100 characters")
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "name must not contain control characters")
    .refine((v) => v.isWellFormed(), "name must be valid Unicode text"),
  role: ZRole.default("viewer"),
});

export const ZChangePassword = z.strictObject({
  currentPassword: z
    .string({ error: "currentPassword must be text" })
    .min(1, "Current password is required")
    .max(PASSWORD_MAX_LENGTH, `Current password must be at most ${PASSWORD_MAX_LENGTH} characters`),
  newPassword: z
    .string({ error: "newPassword must be text" })
    .min(PASSWORD_MIN_LENGTH, `New password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `New password must be at most ${PASSWORD_MAX_LENGTH} characters`),
});
