/**
 * A rule's message as the screen says it: the API names a field by its key ("email must
 * be…", "setupCode must be…"), the form by its label ("Email must be…", "Setup code must be…").
 */
export function inScreenWords(message: string, label: string): string {
  const match = /^([a-z][A-Za-z0-9]*) (must|is|does|cannot|should|has)\b/.exec(message);
  if (!match) return message;
  return label + message.slice(match[1]!.length);
}
