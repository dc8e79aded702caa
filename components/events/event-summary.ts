/**
 * What a row of the Events table says about a record, in the order an analyst reads
 * it: the verdict, the traffic, who and where, then what happened. Records carry
 * different fields by type, so each line appears only when its fields do.
 */
export function summarizeEvent(record: Record<string, string>): string[] {
  const verdict = joinPresent([record.action, record.rule_name ? `Rule: ${record.rule_name}` : ""], " · ");
  const destination = record.dest_ip && record.dest_port ? `${record.dest_ip}:${record.dest_port}` : record.dest_ip;
  const traffic =
    record.src_ip && destination
      ? `${record.src_ip} → ${destination}`
      : record.src_ip
        ? `From ${record.src_ip}`
        : destination
          ? `To ${destination}`
          : "";
  const who = joinPresent(
    [record.user_name, record.src_site_name, record.pop_name ? `PoP ${record.pop_name}` : ""],
    " · ",
  );
  const what = joinPresent([record.threat_name ? `Threat: ${record.threat_name}` : "", record.event_message], " · ");
  return [verdict, traffic, who, what].filter((line) => line !== "");
}

function joinPresent(parts: (string | undefined)[], separator: string): string {
  return parts
    .map((part) => part?.trim() ?? "")
    .filter((part) => part !== "")
    .join(separator);
}

/** The record's `time` (epoch ms) as a Date; null when the field is missing or not a time. */
export function eventDate(record: Record<string, string>): Date | null {
  if (!record.time || !/^\d+$/.test(record.time)) return null;
  const date = new Date(Number(record.time));
  return Number.isNaN(date.getTime()) ? null : date;
}
