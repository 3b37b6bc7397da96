/**
 * Messages between the Dandiset details page (media/details/main.ts) and the host. Plain data;
 * the page renders every string with textContent, never as HTML.
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

export type DetailsHostMessage = { type: 'init'; details: DandisetDetails } | { type: 'error'; message: string };
export type DetailsPageMessage = { type: 'ready' } | { type: 'copy'; what: 'citation' | 'doi' | 'reference' } | { type: 'openWeb' };
