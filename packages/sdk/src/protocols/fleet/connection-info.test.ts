import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../core/errors.js';
import { connectionInfoFor } from './connection-info.js';

describe('connectionInfoFor', () => {
  it("port 22 is SSH, the rest are additional ports (fleet.md's example)", () => {
    expect(connectionInfoFor({ rentalId: 'r1', proxyPortMapping: { '22': 10022, '8888': 10888 } }, 'proxy.yourdomain.com')).toEqual({
      sshHost: 'proxy.yourdomain.com',
      sshPort: 10022,
      additionalPorts: { '8888': 10888 },
    });
    expect(connectionInfoFor({ rentalId: 'r1', proxyPortMapping: { '22': 10022 } }, 'p')).toEqual({ sshHost: 'p', sshPort: 10022 });
  });

  it('no port 22 or no host is a clear FW_INVALID_ARGUMENT', () => {
    expect(() => connectionInfoFor({ rentalId: 'r9', proxyPortMapping: { '8888': 1 } }, 'p')).toThrow(/rental r9: proxyPortMapping has no port 22/);
    expect(() => connectionInfoFor({ rentalId: 'r9', proxyPortMapping: { '22': 1 } }, '')).toThrow(expect.objectContaining({ code: ErrorCodes.FW_INVALID_ARGUMENT }));
  });
});
