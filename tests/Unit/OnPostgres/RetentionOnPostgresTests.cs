using VaasWeb.Processing.Data;

namespace VaasWeb.Tests.Unit.OnPostgres;

public sealed class RetentionOnPostgresTests : Retention.RetentionTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;
}
