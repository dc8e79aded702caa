import { handleErrors } from "@/lib/http/problem-response";
import { readJsonBody } from "@/lib/http/json-body";
import { testNewIntegration } from "@/lib/integrations/service";

/** Tests a destination without saving: address, TLS, HEC health, and with sendTestEvent the key and index. */
export const POST = handleErrors(async (request: Request) =>
  Response.json(await testNewIntegration(await readJsonBody(request))),
);
