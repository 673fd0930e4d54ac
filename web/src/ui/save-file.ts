/**
 * Hands a downloaded body to the browser as a file. Downloads are fetched with the token in the
 * Authorization header and saved from memory, so the token never appears in a URL.
 */
export function saveFile(blob: Blob, fallbackName: string, response?: Response): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The `filename="…"` of a Content-Disposition header, when it is a plain safe name. */
function fileNameOf(response?: Response): string | undefined {
  const header = response?.headers.get('content-disposition') ?? '';
  const name = /filename="([\w.-]+)"/.exec(header)?.[1];
  return name || undefined;
}
