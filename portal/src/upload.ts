// A file's bytes straight to its presigned S3 URL, with progress: XMLHttpRequest,
// since fetch reports no upload progress.
import type { UploadTicket } from "./api";

// The upload URLs live 15 minutes: an upload still going then cannot succeed.
const TIMEOUT_MS = 15 * 60 * 1000;

export function putFile(
  ticket: UploadTicket,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.upload.method, ticket.upload.url);
    request.timeout = TIMEOUT_MS;
    for (const [name, value] of Object.entries(ticket.upload.headers)) {
      // The browser sets Content-Length from the body itself (it is signed too).
      if (name.toLowerCase() !== "content-length") request.setRequestHeader(name, value);
    }
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new Error(`S3 answered ${request.status}`)),
    );
    for (const failure of ["error", "abort", "timeout"] as const) {
      request.addEventListener(failure, () => reject(new Error(`the upload ended: ${failure}`)));
    }
    request.send(file);
  });
}
