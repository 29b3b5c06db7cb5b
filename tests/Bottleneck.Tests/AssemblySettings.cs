using Xunit;

// Seeded runs draw from torch's one process-wide generator, so tests that train must not run at the same time as
// each other: a parallel test's manual_seed would change what the other draws.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
