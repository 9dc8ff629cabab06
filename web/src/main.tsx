import { lazy, StrictMode, Suspense, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import './i18n';
import './styles.css';
import { ApiError, whenChanged } from './api/client';
import type { Role } from './api/types';
import { AuthProvider, useAuth } from './auth/auth';
import LoginPage from './auth/LoginPage';
import { Layout } from './layout/Layout';
import { Loading } from './components/Problem';
import { Forbidden, NotFound } from './components/ErrorPages';

// Every page but sign-in is its own lazy chunk; ECharts loads only with the first chart.
const HomePage = lazy(() => import('./home/HomePage'));
const Dashboard = lazy(() => import('./dashboard/DashboardPage'));
const Filings = lazy(() => import('./filings/FilingsPage'));
const FilingForm = lazy(() => import('./filings/FilingFormPage'));
const Upload = lazy(() => import('./filings/UploadPage'));
const Loan = lazy(() => import('./filings/LoanPage'));
const Claims = lazy(() => import('./claims/ClaimsPage'));
const Claim = lazy(() => import('./claims/ClaimPage'));
const Programmes = lazy(() => import('./programmes/ProgrammesPage'));
const ProgrammePage = lazy(() => import('./programmes/ProgrammePage'));
const Calendar = lazy(() => import('./calendar/CalendarPage'));
const Enterprises = lazy(() => import('./registry/EnterprisesPage'));
const EnterprisePage = lazy(() => import('./registry/EnterprisePage'));
const Institutions = lazy(() => import('./registry/InstitutionsPage'));
const InstitutionPage = lazy(() => import('./registry/InstitutionPage'));
const Reports = lazy(() => import('./reports/ReportsPage'));
const Audit = lazy(() => import('./audit/AuditPage'));
const Simulation = lazy(() => import('./simulation/SimulationPage'));
const Users = lazy(() => import('./accounts/UsersPage'));
const Account = lazy(() => import('./accounts/AccountPage'));

const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
    },
  },
});
// After every change, every list, count and page is stale: those on screen (the header's 待办 count
// among them) are read again at once, the others when next shown.
whenChanged(() => void queryClient.invalidateQueries());

function RequireUser({ children, roles }: { children: ReactNode; roles?: Role[] }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (roles && !roles.includes(user.role)) return <Forbidden />;
  return <>{children}</>;
}

const STAFF: Role[] = ['manager', 'reviewer', 'auditor', 'bureau'];

function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireUser>
            <Layout />
          </RequireUser>
        }
      >
        <Route path="/" element={<HomePage />} />
        <Route
          path="/dashboard"
          element={
            <RequireUser roles={STAFF}>
              <Dashboard />
            </RequireUser>
          }
        />
        <Route path="/filings" element={<Filings />} />
        <Route
          path="/filings/new"
          element={
            <RequireUser roles={['bank', 'manager']}>
              <FilingForm />
            </RequireUser>
          }
        />
        <Route
          path="/filings/upload"
          element={
            <RequireUser roles={['bank', 'manager']}>
              <Upload />
            </RequireUser>
          }
        />
        <Route path="/filings/:id" element={<Loan />} />
        <Route path="/claims" element={<Claims />} />
        <Route path="/claims/:id" element={<Claim />} />
        <Route path="/programmes" element={<Programmes />} />
        <Route path="/programmes/:id" element={<ProgrammePage />} />
        <Route path="/calendar" element={<Calendar />} />
        <Route path="/enterprises" element={<Enterprises />} />
        <Route path="/enterprises/:id" element={<EnterprisePage />} />
        <Route path="/banks" element={<Institutions kind="bank" />} />
        <Route path="/banks/:id" element={<InstitutionPage kind="bank" />} />
        <Route path="/guarantors" element={<Institutions kind="guarantor" />} />
        <Route path="/guarantors/:id" element={<InstitutionPage kind="guarantor" />} />
        <Route path="/reports" element={<Reports />} />
        <Route
          path="/audit"
          element={
            <RequireUser roles={STAFF}>
              <Audit />
            </RequireUser>
          }
        />
        <Route
          path="/simulation"
          element={
            <RequireUser roles={STAFF}>
              <Simulation />
            </RequireUser>
          }
        />
        <Route
          path="/users"
          element={
            <RequireUser roles={['manager', 'auditor']}>
              <Users />
            </RequireUser>
          }
        />
        <Route path="/account" element={<Account />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AuthProvider>
          <Suspense fallback={<Loading />}>
            <App />
          </Suspense>
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
