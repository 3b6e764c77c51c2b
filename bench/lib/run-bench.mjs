// A bench's main, bounded: `cleanup` (stop its servers, remove its files) runs however main ends, and after
// `minutes` the bench cleans up and exits 1 rather than hang.
export function runBench(main, { minutes, cleanup }) {
  const timeout = setTimeout(async () => {
    console.error(`bench timed out after ${minutes} minutes`);
    await cleanup();
    process.exit(1);
  }, minutes * 60_000);
  main()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(async () => {
      clearTimeout(timeout);
      await cleanup();
    });
}
