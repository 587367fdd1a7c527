/**
 * Can a credential travel as an HTTP header value? Node's http client throws on
 * control characters and on characters above U+00FF, and servers refuse header
 * blocks over their limit (Node's default is 16 KiB for all headers together);
 * a key that fails here would fail on every attempt, so clients refuse it up
 * front instead of retrying it forever.
 */

/** Longest credential accepted, in characters. Leaves room under a 16 KiB header limit. */
export const MAX_HEADER_CREDENTIAL_LENGTH = 8192;

/**
 * Describes why `value` cannot be sent as a header value ("contains a line feed
 * (U+000A) at index 3"), or returns null when it can. Leading or trailing
 * whitespace is refused too: servers trim it, so the key would never match.
 */
export function headerValueProblem(value: string): string | null {
  if (value.length > MAX_HEADER_CREDENTIAL_LENGTH) {
    return `is ${value.length} characters long (at most ${MAX_HEADER_CREDENTIAL_LENGTH} fit in a request header)`;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return `contains a control character (${codePoint(c)}) at index ${i}`;
    if (c > 0xff) {
      const cp = value.codePointAt(i) ?? c;
      return `contains ${JSON.stringify(String.fromCodePoint(cp))} (${codePoint(cp)}) at index ${i}, outside the Latin-1 range HTTP headers can carry`;
    }
  }
  if (/^\s|\s$/.test(value)) return 'starts or ends with whitespace (servers trim header values, so it would never match)';
  return null;
}

const codePoint = (c: number): string => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
