using VaasWeb.Processing.Data;

// The representative suites again, on the test run's PostgreSQL server (Support/PostgresServer): every test of the
// base class runs with Database = Postgres; what only PostgreSQL has is tested here too.
namespace VaasWeb.Tests.Unit.OnPostgres;

public sealed class TaskKindOnPostgresTests : Tasks.TaskKindTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}

public sealed class BulkRerunOnPostgresTests : Tasks.BulkRerunTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}

public sealed class TextIndexOnPostgresTests : Search.TextIndexTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}

public sealed class GenerationFlowOnPostgresTests : Generation.GenerationFlowTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}
