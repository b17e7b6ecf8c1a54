import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { revokeDeviceBodySchema, type deviceSchema } from '../../../domain/wire';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDateTime } from '../../format';
import type { AdminApi } from './admin-api';
import { ActionStatusLine, FailureMessage, type ActionStatus } from './FailureMessage';
import { useApiLoad } from './use-api-load';

type Device = z.infer<typeof deviceSchema>;

/** The server's key register: which tablet key is whose; revoke one, with a reason, after a confirmation. */
export function DevicesPanel({ api }: { api: AdminApi }) {
  const { t, i18n } = useTranslation();
  const [devices, reload] = useApiLoad(useCallback(() => api.listDevices(), [api]));
  const [revoking, setRevoking] = useState<Device>();
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });
  const [reasonProblem, setReasonProblem] = useState<string>();

  const revoke = async (device: Device, reason: string) => {
    const trimmed = reason.trim();
    const parsed = revokeDeviceBodySchema.safeParse(trimmed === '' ? {} : { reason: trimmed });
    if (!parsed.success) {
      setReasonProblem(parsed.error.issues[0]?.message ?? '');
      return;
    }
    setReasonProblem(undefined);
    setRevoking(undefined);
    setStatus({ kind: 'idle' });
    const result = await api.revokeDevice(device.keyId, parsed.data.reason);
    setStatus(
      result.ok
        ? { kind: 'done', message: t('admin.devices.revoked', { fingerprint: result.value.fingerprint }) }
        : { kind: 'failed', failure: result },
    );
    reload();
  };

  return (
    <section aria-labelledby="admin-devices-title" className="dashboard__panel" data-testid="admin-devices">
      <div className="page__head">
        <h2 id="admin-devices-title">{t('admin.devices.title')}</h2>
        <button type="button" className="button" onClick={reload} data-testid="admin-devices-refresh">
          {t('admin.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('admin.devices.hint')}</p>
      <ActionStatusLine status={status} testId="admin-devices-status" />
      {devices.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
      {devices.kind === 'failed' && <FailureMessage failure={devices.failure} testId="admin-devices-error" />}
      {devices.kind === 'ok' && devices.value.devices.length === 0 && <p>{t('admin.devices.empty')}</p>}
      {devices.kind === 'ok' && devices.value.devices.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="admin-devices-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.devices.fingerprint')}</th>
                <th scope="col">{t('admin.devices.device')}</th>
                <th scope="col">{t('admin.devices.auditor')}</th>
                <th scope="col">{t('admin.devices.account')}</th>
                <th scope="col">{t('admin.devices.enrolledAt')}</th>
                <th scope="col">{t('admin.devices.status')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {devices.value.devices.map((device) => (
                <tr key={device.keyId} data-testid={`admin-device-row-${device.keyId}`}>
                  <td>
                    <code>{device.fingerprint}</code>
                  </td>
                  <td>{device.deviceLabel}</td>
                  <td>{device.auditor}</td>
                  <td>{device.username ?? t('admin.devices.byHand')}</td>
                  <td>{formatDateTime(device.enrolledAt, i18n.language)}</td>
                  <td data-testid="admin-device-status">
                    {device.revokedAt === null ? (
                      t('admin.devices.valid')
                    ) : (
                      <>
                        {t('admin.devices.revokedAt', {
                          at: formatDateTime(device.revokedAt, i18n.language),
                        })}
                        {device.revokedReason !== null && (
                          <span className="technical">
                            {t('admin.devices.reason', { reason: device.revokedReason })}
                          </span>
                        )}
                      </>
                    )}
                  </td>
                  <td>
                    {device.revokedAt === null && (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setRevoking(device);
                        }}
                        data-testid="admin-device-revoke"
                      >
                        {t('admin.devices.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('admin.devices.revokeTitle', { fingerprint: revoking.fingerprint })}
          confirmLabel={t('admin.devices.revoke')}
          cancelLabel={t('admin.cancel')}
          reasonLabel={t('admin.devices.revokeReason')}
          onConfirm={(reason) => {
            void revoke(revoking, reason);
          }}
          onCancel={() => {
            setRevoking(undefined);
            setReasonProblem(undefined);
          }}
          testId="admin-revoke-dialog"
        >
          <p>{t('admin.devices.revokeBody', { auditor: revoking.auditor, device: revoking.deviceLabel })}</p>
          {reasonProblem !== undefined && (
            <p className="field__error" role="alert">
              {t('admin.devices.reasonTooLong')}
              <span className="technical">{reasonProblem}</span>
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
