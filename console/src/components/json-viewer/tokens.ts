export type TokenKind = "key" | "string" | "number" | "literal" | "plain";

export interface Token {
  kind: TokenKind;
  text: string;
}

// A string (a key when a colon follows), true/false/null, or a number; everything between is plain.
const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Pretty-prints a JSON value and splits it into tokens to colour; joining the texts gives the JSON back. */
export function jsonTokens(value: unknown): Token[] {
  const json = JSON.stringify(value, null, 2);
  const tokens: Token[] = [];
  let last = 0;
  for (const match of json.matchAll(TOKEN)) {
    if (match.index > last) tokens.push({ kind: "plain", text: json.slice(last, match.index) });
    const [text, quoted, colon] = match;
    if (quoted !== undefined && colon !== undefined) {
      tokens.push({ kind: "key", text: quoted }, { kind: "plain", text: colon });
    } else if (quoted !== undefined) {
      tokens.push({ kind: "string", text });
    } else {
      tokens.push({ kind: /^[-\d]/.test(text) ? "number" : "literal", text });
    }
    last = match.index + text.length;
  }
  if (last < json.length) tokens.push({ kind: "plain", text: json.slice(last) });
  return tokens;
}
