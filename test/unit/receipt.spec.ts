import {
  applyReceipt,
  isFullyAccounted,
  outstandingLines,
  revertReceipt,
  type LineBalance,
} from '../../src/shipments/receipt';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const OTHER = '00000000-0000-4000-8000-0000000000ff';

const line = (
  id: string,
  lineNo: number,
  quantity: string,
  quantityReceived = '0',
  quantityDamaged = '0',
): LineBalance => ({
  id,
  lineNo,
  quantity,
  quantityReceived,
  quantityDamaged,
});
const shipment = () => [line(A, 1, '1.5'), line(B, 2, '10'), line(C, 3, '200')];
const totals = (lines: LineBalance[]) => lines.map((l) => [l.quantityReceived, l.quantityDamaged]);

function applied(lines: LineBalance[], receipt: Parameters<typeof applyReceipt>[1]) {
  const outcome = applyReceipt(lines, receipt);
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome;
}

describe('applyReceipt', () => {
  it('adds received and damaged quantities in exact decimals', () => {
    const first = applied(shipment(), [{ itemId: A, quantityReceived: '0.5', quantityDamaged: '0.25' }]);
    expect(totals(first.balances)).toEqual([
      ['0.5', '0.25'],
      ['0', '0'],
      ['0', '0'],
    ]);
    const second = applied(first.balances, [
      { itemId: B, quantityReceived: '0.1' },
      { itemId: A, quantityReceived: '0.25' },
    ]);
    const third = applied(second.balances, [{ itemId: B, quantityReceived: '0.2' }]);
    expect(totals(third.balances)).toEqual([
      ['0.75', '0.25'],
      ['0.3', '0'],
      ['0', '0'],
    ]);
    expect(third.complete).toBe(false);
  });

  it('keeps every digit of 15 + 6 digit quantities', () => {
    const lines = [line(A, 1, '999999999999999.999999', '999999999999999.999997')];
    const outcome = applied(lines, [
      { itemId: A, quantityReceived: '0.000001', quantityDamaged: '0.000001' },
    ]);
    expect(totals(outcome.balances)).toEqual([['999999999999999.999998', '0.000001']]);
    expect(outcome.complete).toBe(true);
    const over = applyReceipt(lines, [
      { itemId: A, quantityReceived: '0.000002', quantityDamaged: '0.000001' },
    ]);
    expect(over.ok).toBe(false);
  });

  it('is complete when every line is fully accounted for, whatever the scale written', () => {
    const outcome = applied(shipment(), [
      { itemId: A, quantityReceived: '1.50' },
      { itemId: B, quantityReceived: '9', quantityDamaged: '1.000' },
      { itemId: C, quantityReceived: '0', quantityDamaged: '200' },
    ]);
    expect(outcome.complete).toBe(true);
    expect(outcome.balances.every(isFullyAccounted)).toBe(true);
  });

  it('keeps lines not named in the receipt as they were, in line order', () => {
    const lines = [line(A, 1, '1.5', '1'), line(B, 2, '10'), line(C, 3, '200', '3', '4')];
    const outcome = applied(lines, [{ itemId: B, quantityReceived: '2' }]);
    expect(outcome.balances.map((l) => l.id)).toEqual([A, B, C]);
    expect(outcome.balances[0]).toEqual(lines[0]);
    expect(outcome.balances[2]).toEqual(lines[2]);
    expect(outcome.balances[1]).toEqual({ ...lines[1], quantityReceived: '2', quantityDamaged: '0' });
  });

  it('does not change the lines it was given', () => {
    const lines = shipment();
    const copy = JSON.parse(JSON.stringify(lines));
    applied(lines, [{ itemId: A, quantityReceived: '1' }]);
    expect(lines).toEqual(copy);
  });

  it('refuses (422) a line whose received + damaged so far plus this receipt exceeds what was shipped', () => {
    const lines = [line(A, 1, '1.5', '0.5', '0.25'), line(B, 2, '10')];
    const outcome = applyReceipt(lines, [
      { itemId: B, quantityReceived: '10' },
      { itemId: A, quantityReceived: '0.5', quantityDamaged: '0.250001' },
    ]);
    expect(outcome).toEqual({
      ok: false,
      status: 422,
      errors: [{ path: 'receipt.lines[1].quantityReceived', message: expect.stringContaining('line 1') }],
    });
    if (!outcome.ok) expect(outcome.errors[0].message).toContain('0.75 of 1.5');
    // Exactly reaching the shipped quantity is fine.
    expect(applyReceipt(lines, [{ itemId: A, quantityReceived: '0.5', quantityDamaged: '0.25' }]).ok).toBe(
      true,
    );
  });

  it('refuses (422) a line of another shipment', () => {
    const outcome = applyReceipt(shipment(), [
      { itemId: A, quantityReceived: '1' },
      { itemId: OTHER, quantityReceived: '1' },
    ]);
    expect(outcome).toEqual({
      ok: false,
      status: 422,
      errors: [{ path: 'receipt.lines[1].itemId', message: expect.any(String) }],
    });
  });

  it('refuses (400) a line named twice in one receipt, even when the sum would fit', () => {
    const outcome = applyReceipt(shipment(), [
      { itemId: B, quantityReceived: '1' },
      { itemId: A, quantityReceived: '0.1' },
      { itemId: B, quantityReceived: '1' },
    ]);
    expect(outcome).toEqual({
      ok: false,
      status: 400,
      errors: [{ path: 'receipt.lines[2].itemId', message: expect.any(String) }],
    });
  });

  it('reports every bad line, and a duplicate makes the whole refusal a 400', () => {
    const outcome = applyReceipt(shipment(), [
      { itemId: OTHER, quantityReceived: '1' },
      { itemId: A, quantityReceived: '2' },
      { itemId: A, quantityReceived: '0' },
    ]);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.status).toBe(400);
    expect(outcome.errors.map((e) => e.path)).toEqual([
      'receipt.lines[0].itemId',
      'receipt.lines[1].quantityReceived',
      'receipt.lines[2].itemId',
    ]);
  });
});

describe('revertReceipt', () => {
  it('takes a receipt back exactly', () => {
    const before = [line(A, 1, '1.5', '0.5', '0.25'), line(B, 2, '10', '0.1'), line(C, 3, '200')];
    const receipt = [
      { itemId: A, quantityReceived: '0.7', quantityDamaged: '0.05' },
      { itemId: B, quantityReceived: '0.2' },
    ];
    const after = applied(before, receipt).balances;
    expect(totals(after)).toEqual([
      ['1.2', '0.3'],
      ['0.3', '0'],
      ['0', '0'],
    ]);
    expect(revertReceipt(after, receipt)).toEqual(before);
  });

  it('takes back to zero, and leaves lines outside the receipt alone', () => {
    const receipt = [{ itemId: A, quantityReceived: '1.25', quantityDamaged: '0.25' }];
    const after = applied(shipment(), receipt).balances;
    const reverted = revertReceipt(after, receipt);
    expect(totals(reverted)).toEqual([
      ['0', '0'],
      ['0', '0'],
      ['0', '0'],
    ]);
    expect(reverted[1]).toBe(after[1]);
  });

  it('keeps every digit of large quantities', () => {
    const lines = [line(A, 1, '123456789012345.123456', '123456789012345.123455', '0.000001')];
    expect(
      totals(
        revertReceipt(lines, [
          { itemId: A, quantityReceived: '123456789012345.123454', quantityDamaged: '0.000001' },
        ]),
      ),
    ).toEqual([['0.000001', '0']]);
  });
});

describe('outstandingLines', () => {
  it('lists the lines not yet fully accounted for', () => {
    const lines = [
      line(A, 1, '1.5', '1.25', '0.25'),
      line(B, 2, '10', '9.999999'),
      line(C, 3, '200', '0', '200'),
    ];
    expect(outstandingLines(lines).map((l) => l.lineNo)).toEqual([2]);
    expect(outstandingLines(shipment()).map((l) => l.lineNo)).toEqual([1, 2, 3]);
    expect(isFullyAccounted(line(A, 1, '1.50', '1.5'))).toBe(true);
  });
});
