using VaasWeb.Processing.Data;

namespace VaasWeb.Tests.Unit.OnPostgres;

public sealed class VideoRetentionOnPostgresTests : Retention.VideoRetentionTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}
