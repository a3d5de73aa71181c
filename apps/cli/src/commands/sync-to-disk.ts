import { closeSync, fsync, openSync } from 'node:fs';

/**
 * An fsync of a file, or of a directory (its entries, as after a rename), on libuv's thread pool: started
 * when called, so that this thread may go on meanwhile (a rebuild builds its indexes while its documents
 * are written back).
 */
export function syncToDisk(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  return new Promise<void>((resolve, reject) =>
    fsync(fd, (error) => {
      closeSync(fd);
      if (error) reject(error);
      else resolve();
    }),
  );
}
