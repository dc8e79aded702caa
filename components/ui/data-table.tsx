import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

export type TSortDirection = "ascending" | "descending";
export type TSort<K extends string = string> = { key: K; direction: TSortDirection };

export type TColumn<K extends string = string> = {
  key: K;
  label: string;
  /** Read by screen readers only, for a column of buttons. */
  isLabelHidden?: boolean;
  isSortable?: boolean;
  /** Figures, aligned right so that their digits line up; its cells take `text-right` too. */
  isNumeric?: boolean;
};

const cellPadding = "px-3 py-2";
const headerClass = `${cellPadding} text-xs font-semibold uppercase tracking-wide text-slate-600`;

/** A body cell. */
export function Td({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`${cellPadding} align-top text-sm ${className}`} {...props} />;
}

/** The cell that names its row (an email, a key's name), read out with every other cell of the row. */
export function RowHeader({ className = "", ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="row" className={`${cellPadding} text-left align-top text-sm font-medium ${className}`} {...props} />
  );
}

function SortArrow({ direction }: { direction: TSortDirection | undefined }) {
  if (!direction)
    return (
      <span aria-hidden="true" className="ml-1 text-slate-400">
        ↕
      </span>
    );
  return (
    <span aria-hidden="true" className="ml-1">
      {direction === "ascending" ? "▲" : "▼"}
    </span>
  );
}

/**
 * The console's one table: caption, header row, an empty state spanning every column,
 * and a frame that scrolls sideways by itself (keyboard included) when the table is wider
 * than the screen, so the page never does. Sortable columns are buttons with aria-sort.
 */
export function DataTable<K extends string>({
  caption,
  columns,
  isEmpty,
  emptyMessage,
  isBusy = false,
  sort,
  onSort,
  children,
}: {
  caption: string;
  columns: readonly TColumn<K>[];
  isEmpty: boolean;
  emptyMessage: ReactNode;
  isBusy?: boolean;
  sort?: TSort<K> | null;
  onSort?: (key: K) => void;
  children: ReactNode;
}) {
  return (
    <div
      // A named group, not a landmark: the page's sections are the landmarks.
      role="group"
      aria-label={caption}
      // Focusable so that a keyboard can scroll a table wider than the screen; relative so
      // that screen-reader-only text (positioned absolutely) scrolls with it, not the page.
      tabIndex={0}
      className="relative max-w-full overflow-x-auto rounded border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
    >
      <table aria-busy={isBusy || undefined} className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((column) => {
              const direction = sort?.key === column.key ? sort.direction : undefined;
              return (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={column.isSortable ? (direction ?? "none") : undefined}
                  className={`${headerClass} ${column.isNumeric ? "text-right" : "text-left"}`}
                >
                  {column.isLabelHidden ? (
                    <span className="sr-only">{column.label}</span>
                  ) : column.isSortable && onSort ? (
                    <button
                      type="button"
                      onClick={() => onSort(column.key)}
                      className="inline-flex items-center rounded uppercase tracking-wide hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand"
                    >
                      {column.label}
                      <SortArrow direction={direction} />
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${isBusy ? "opacity-60" : ""}`}>
          {isEmpty ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-8 text-center text-sm text-slate-700">
                {emptyMessage}
              </td>
            </tr>
          ) : (
            children
          )}
        </tbody>
      </table>
    </div>
  );
}
