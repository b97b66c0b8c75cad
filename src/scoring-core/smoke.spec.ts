describe('jest wiring', () => {
  it('runs TypeScript tests', () => {
    const values: number[] = [3, 1, 2];
    expect([...values].sort((a, b) => a - b)).toEqual([1, 2, 3]);
  });
});
