import { Component, type ReactNode } from 'react';
import { Translation } from 'react-i18next';

/** A page that fails to render shows a short message (never a stack trace) and the rest of the app keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.failed) this.setState({ failed: false });
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Translation>
        {(t) => (
          <p className="error-box" role="alert">
            {t('error.generic')}
          </p>
        )}
      </Translation>
    );
  }
}
