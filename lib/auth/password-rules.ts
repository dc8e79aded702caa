/** Password length rules, shared by the server's schemas and the browser's forms. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
