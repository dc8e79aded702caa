const STATUS_WORDS = { passed: "Passed", failed: "Failed", skipped: "Skipped" } as const;

/** System error codes as the person at the console would say them. */
const NETWORK_ERRORS: [RegExp, (match: RegExpMatchArray) => string][] = [
  [/getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/, (m) => `Host not found: no DNS record for ${m[1]}.`],
  [/connect ECONNREFUSED (\S+)/, (m) => `Connection refused: nothing is listening at ${m[1]}.`],
  [/ECONNRESET/, () => "The connection was dropped by the other side."],
  [/ETIMEDOUT|timed out/i, () => "No answer in time: a firewall may be dropping the connection."],
  [/EHOSTUNREACH|ENETUNREACH/, () => "Unreachable: no network route to the host."],
  [/self[- ]signed certificate/i, () => "The certificate is self-signed and not trusted."],
  [/certificate has expired/i, () => "The certificate has expired."],
  [/Hostname\/IP does not match certificate/i, () => "The certificate is for another host name."],
  [/unable to (?:get|verify) (?:local )?(?:issuer )?certificate/i, () => "The certificate's issuer is not trusted."],
];

/**
 * One connection-test step's detail, in plain words and said once: no "Skipped: Skipped:",
 * no bare "getaddrinfo ENOTFOUND".
 */
export function describeTestStep(status: keyof typeof STATUS_WORDS, detail: string): string {
  const label = STATUS_WORDS[status];
  let text = detail.trim();
  // The server may already start its detail with the status word.
  if (text.toLowerCase().startsWith(`${label.toLowerCase()}:`)) text = text.slice(label.length + 1).trim();
  for (const [pattern, words] of NETWORK_ERRORS) {
    const match = text.match(pattern);
    if (match) return words(match);
  }
  return text;
}
