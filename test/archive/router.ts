import { type RequestContext } from './context';

/** Django-style URL routing: regex-constrained path parameters, trailing slashes. */

export interface Route {
  /** Regex source of the whole path (anchored when compiled); named groups become params. */
  pattern: string;
  /** Allowed methods (default GET and HEAD). */
  methods?: string[];
  handler: (ctx: RequestContext) => Promise<void>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
}

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'append-slash' }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'none' };

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map(r => ({ ...r, regex: new RegExp(`^${r.pattern}$`) }));
  }

  match(method: string, pathname: string): RouteMatch {
    for (const r of this.routes) {
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const allowed = r.methods ?? ['GET', 'HEAD'];
      if (!allowed.includes(method)) return { kind: 'method-not-allowed', allowed };
      return { kind: 'route', route: r, params: { ...(m.groups ?? {}) } };
    }
    // APPEND_SLASH: only when the slashed URL would resolve.
    if (!pathname.endsWith('/') && this.routes.some(r => r.regex.test(`${pathname}/`)))
      return { kind: 'append-slash' };
    return { kind: 'none' };
  }
}
