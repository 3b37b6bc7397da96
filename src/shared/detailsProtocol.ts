/**
 * The contract between the Dandiset details page (media/details/main.ts) and the host
 * (src/commands/browse/detailsPanel.ts). It rides on the viewer's typed RPC (messenger.ts): every
 * message crosses as an envelope that `parseEnvelope` checks on arrival, the page's first request
 * is the ready handshake, and a failed load comes back as an error reply. Plain data; the page
 * renders every string with textContent, never as HTML.
 */

export interface DandisetDetails {
  identifier: string;
  version: string;
  name: string;
  description: string;
  contributors: { name: string; roles: string[]; affiliation: string }[];
  license: string[];
  citation: string;
  doi: string;
  keywords: string[];
  species: string[];
  approaches: string[];
  techniques: string[];
  files: number | null;
  subjects: number | null;
  bytes: number | null;
  webUrl: string | null;
  embargoed: boolean;
}

/** Requests the page sends to the host. `details` doubles as the ready handshake. */
export type DetailsHostMethods = {
  details: { params: null; result: DandisetDetails };
};

/** Requests the host sends to the page: none. */
export type DetailsPageMethods = Record<never, { params: unknown; result: unknown }>;

export const COPY_TARGETS = ['citation', 'doi', 'reference'] as const;
export type CopyTarget = (typeof COPY_TARGETS)[number];

/** Notifications from the page (button clicks). */
export type DetailsPageEvent = { type: 'copy'; what: CopyTarget } | { type: 'openWeb' };

/** Notifications from the host: none. */
export type DetailsHostEvent = never;

/** The envelope checks only the event's `type`; this checks the rest of a copy request. */
export function isCopyTarget(value: unknown): value is CopyTarget {
  return typeof value === 'string' && (COPY_TARGETS as readonly string[]).includes(value);
}
