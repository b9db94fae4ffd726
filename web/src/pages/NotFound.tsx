import { ROUTES } from '../routes';
import { onLinkClick } from '../lib/router';

export function NotFoundPage() {
  return (
    <div class="page narrow">
      <section class="card empty-state">
        <h1>Page not found</h1>
        <p class="muted">There is no page at {location.pathname}.</p>
        <p>
          <a href={ROUTES.immersion} onClick={onLinkClick} class="btn btn-primary">
            Go to your immersion
          </a>
        </p>
      </section>
    </div>
  );
}
