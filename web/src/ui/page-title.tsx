import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../i18n';

/**
 * The screen's heading. It names the browser tab and takes focus when the screen opens, so a
 * screen-reader user hears where a link led (a single-page app has no page load to announce).
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t.app.name}`;
    heading.current?.focus();
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}
