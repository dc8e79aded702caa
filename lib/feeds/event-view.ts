/**
 * An event as GET /api/events and GET /api/events/{marker} return it. Kept apart from
 * the service, which is server-only, so the console can import the same type.
 */
export type TEventView = {
  marker: string;
  eventType: string;
  eventSubType: string;
  record: Record<string, string>;
  rawDataLength: number;
  isRawDataTruncated: boolean;
  /** In the list: values other than raw_data cut, or fields left out; GET /api/events/{marker} has them all. */
  isRecordTruncated: boolean;
};
