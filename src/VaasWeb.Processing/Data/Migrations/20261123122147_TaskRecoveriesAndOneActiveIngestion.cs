using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaasWeb.Processing.Data.Migrations
{
    /// <inheritdoc />
    public partial class TaskRecoveriesAndOneActiveIngestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Recoveries",
                table: "Tasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_OneActiveIngestionPerVideo",
                table: "Tasks",
                column: "VideoId",
                unique: true,
                filter: "\"Kind\" = 'Ingestion' AND \"State\" IN ('Pending', 'InProgress')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tasks_OneActiveIngestionPerVideo",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Recoveries",
                table: "Tasks");
        }
    }
}
