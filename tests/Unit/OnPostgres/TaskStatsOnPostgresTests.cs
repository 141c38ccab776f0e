using VaasWeb.Processing.Data;

namespace VaasWeb.Tests.Unit.OnPostgres;

public sealed class TaskStatsOnPostgresTests : Stats.TaskStatsTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}
