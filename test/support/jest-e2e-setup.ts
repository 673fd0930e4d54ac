// testTimeout does not reach beforeAll/afterAll on a busy machine; starting a service can take a while.
jest.setTimeout(60_000);
