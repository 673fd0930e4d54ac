import { createOrganization, issueToken } from '../support/builders';
import { Api } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

const CAP = 3;

/** WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION: an organization's subscriptions are capped, concurrent creations too. */
describe('webhook subscriptions per organization', () => {
  let service: TestService;
  let admin: Api;

  beforeAll(async () => {
    service = await startService({
      WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION: String(CAP),
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    admin = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  const partnerOf = async () =>
    admin.as(await issueToken(admin, 'partner', (await createOrganization(admin)).id));
  const subscribe = (api: Api, n: number) =>
    api.post('/webhooks', { url: `http://127.0.0.1:9/hook-${n}`, events: ['shipment.created'] });

  it('refuses one more with 409 naming the limit, per organization, until one is deleted', async () => {
    const partner = await partnerOf();
    const created = [];
    for (let i = 0; i < CAP; i++) {
      const response = await subscribe(partner, i);
      expect(response.status).toBe(201);
      created.push(response.body.id);
    }
    const refused = await subscribe(partner, CAP);
    expectProblem(refused, 409);
    expect(refused.body.type).toMatch(/webhook-subscription-limit$/);
    expect(refused.body.detail).toContain(`${CAP} webhook subscriptions`);
    expect(refused.body.detail).toContain('WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION');
    // Another organization has its own allowance.
    expect((await subscribe(await partnerOf(), 0)).status).toBe(201);
    expect((await partner.delete(`/webhooks/${created[0]}`)).status).toBe(204);
    expect((await subscribe(partner, CAP + 1)).status).toBe(201);
  });

  it('lets no burst of concurrent creations past the cap', async () => {
    const partner = await partnerOf();
    const answers = await Promise.all(Array.from({ length: CAP + 5 }, (_, i) => subscribe(partner, i)));
    expect(answers.filter((response) => response.status === 201)).toHaveLength(CAP);
    expect(answers.filter((response) => response.status === 409)).toHaveLength(5);
  });
});
