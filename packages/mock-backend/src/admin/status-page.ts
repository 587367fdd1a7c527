/** The live status page at / and its browser bundle at /app.js (filled in step 5). */
import type { MockBackend } from '../backend.js';
import type { Route } from './http.js';

export function statusPageRoutes(_b: MockBackend): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/$/,
      handler: ({ res }) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>fleetwire mock</title><p>fleetwire mock backend</p>');
      },
    },
  ];
}
