import { Fragment } from "react";

/**
 * An email that may wrap only before its punctuation ("someone" / "@example" / ".com"),
 * never inside a word: the cell holding it must not break words itself (no
 * `overflow-wrap: anywhere`, which lets a narrow column cut "adm|in").
 */
export function EmailText({ email }: { email: string }) {
  const parts = email.split(/(?=[@.])/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}
