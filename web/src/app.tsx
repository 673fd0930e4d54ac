import { lazy, Suspense } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { may } from './access/permissions';
import { SessionProvider, useSession } from './access/session';
import { SignInPage } from './access/sign-in-page';
import { t } from './i18n';
import { ImportPage } from './shipments/import-page';
import { ShipmentEditPage } from './shipments/shipment-edit-page';
import { ShipmentNewPage } from './shipments/shipment-new-page';
import { ShipmentPage } from './shipments/shipment-page';
import { ShipmentsPage } from './shipments/shipments-page';
import { Forbidden, Loading, NotFound } from './ui/states';

// Screens that need code no first screen does (proof checking, charts) load on demand.
const HistoryPage = lazy(() => import('./audit/history-page'));
const ReportsPage = lazy(() => import('./reports/reports-page'));

export function App() {
  return (
    <SessionProvider>
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      <Header />
      <main id="main">
        <Screens />
      </main>
    </SessionProvider>
  );
}

function Header() {
  const { me, signOut } = useSession();
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        {t.app.name}
      </Link>
      {me && (
        <>
          <nav aria-label={t.app.mainNav}>
            <ul>
              <li>
                <Link href="/shipments">{t.app.nav.shipments}</Link>
              </li>
              {may.writeShipments(me) && (
                <>
                  <li>
                    <Link href="/shipments/new">{t.app.nav.newShipment}</Link>
                  </li>
                  <li>
                    <Link href="/shipments/import">{t.app.nav.import}</Link>
                  </li>
                </>
              )}
              <li>
                <Link href="/reports">{t.app.nav.reports}</Link>
              </li>
            </ul>
          </nav>
          <div className="who">
            <span className="who-name">
              <span className="visually-hidden">{t.access.whoAmI}: </span>
              {t.access.signedInAs(me.name, t.access.roles[me.role] ?? me.role)}
            </span>
            <button type="button" onClick={signOut}>
              {t.access.signOut}
            </button>
          </div>
        </>
      )}
    </header>
  );
}

function Screens() {
  const { me, restoring } = useSession();
  if (restoring) return <Loading />;
  if (!me) return <SignInPage />;
  const writer = may.writeShipments(me);
  return (
    <Suspense fallback={<Loading />}>
      <Switch>
        <Route path="/">
          <Redirect to="/shipments" replace />
        </Route>
        <Route path="/shipments" component={ShipmentsPage} />
        <Route path="/shipments/new">{writer ? <ShipmentNewPage /> : <Forbidden />}</Route>
        <Route path="/shipments/import">{writer ? <ImportPage /> : <Forbidden />}</Route>
        <Route path="/shipments/:id/edit">{(params) => (writer ? <ShipmentEditPage id={params.id} /> : <Forbidden />)}</Route>
        <Route path="/shipments/:id/history">{(params) => <HistoryPage id={params.id} />}</Route>
        <Route path="/shipments/:id">{(params) => <ShipmentPage id={params.id} />}</Route>
        <Route path="/reports" component={ReportsPage} />
        <Route>
          <NotFound />
        </Route>
      </Switch>
    </Suspense>
  );
}
