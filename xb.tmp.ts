const m = await import('./bench/exchange.bench.ts');
const r = await m.run();
console.log(r.map((x: any) => `${x.name} ${x.value} ratio ${x.ratio} | ${x.notes}`).join('\n'));
