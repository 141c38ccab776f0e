using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace VaasWeb.Processing.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<VaasDbContext>
{
    public VaasDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VaasDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
