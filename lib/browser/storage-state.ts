import { z } from 'zod';

/** Cookies and local storage of a browser, as Playwright reads and writes them. */
export const StorageStateSchema = z.object({
  cookies: z.array(z.looseObject({ name: z.string(), value: z.string(), domain: z.string() })),
  origins: z.array(
    z.looseObject({
      origin: z.string(),
      localStorage: z.array(z.object({ name: z.string(), value: z.string() })),
    }),
  ),
});
export type StorageState = z.infer<typeof StorageStateSchema>;
