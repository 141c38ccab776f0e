using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaasWeb.Processing.Data.Migrations
{
    /// <inheritdoc />
    public partial class VideoOwnerAndWordTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OwnerId",
                table: "Videos",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WordStarts",
                table: "TextSegments",
                type: "TEXT",
                maxLength: 16000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Videos_Sha256",
                table: "Videos",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Videos_Sha256",
                table: "Videos");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "Videos");

            migrationBuilder.DropColumn(
                name: "WordStarts",
                table: "TextSegments");
        }
    }
}
