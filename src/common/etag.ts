import { Problem } from './problem';

export const formatEtag = (version: number) => `"${version}"`;

/** Optimistic concurrency on edits: the client proves it saw the current version. */
export function checkIfMatch(ifMatch: string | undefined, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw Problem.preconditionRequired(`Send If-Match: "${currentVersion}" (the ETag of the version you edit).`);
  }
  const tags = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(formatEtag(currentVersion))) return;
  throw Problem.preconditionFailed(`It changed since you read it: the current version is "${currentVersion}".`);
}
