using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaasWeb.Processing.Data.Migrations
{
    /// <inheritdoc />
    public partial class SearchableText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "Fingerprint",
                table: "Frames",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Group",
                table: "Frames",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Hash",
                table: "Frames",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TextSegments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    VideoId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartSeconds = table.Column<double>(type: "REAL", nullable: false),
                    EndSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    FrameId = table.Column<long>(type: "INTEGER", nullable: true),
                    ChunkIndex = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TextSegments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TextSegments_Videos_VideoId",
                        column: x => x.VideoId,
                        principalTable: "Videos",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TextEmbeddings",
                columns: table => new
                {
                    TextSegmentId = table.Column<long>(type: "INTEGER", nullable: false),
                    VideoId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vector = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TextEmbeddings", x => x.TextSegmentId);
                    table.ForeignKey(
                        name: "FK_TextEmbeddings_TextSegments_TextSegmentId",
                        column: x => x.TextSegmentId,
                        principalTable: "TextSegments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TextEmbeddings_VideoId",
                table: "TextEmbeddings",
                column: "VideoId");

            migrationBuilder.CreateIndex(
                name: "IX_TextSegments_VideoId_StartSeconds",
                table: "TextSegments",
                columns: new[] { "VideoId", "StartSeconds" });
        
            // The full-text index (SQLite FTS5, BM25 ranking). Its rows are TextSegments' ids and texts, written by
            // SqliteTextIndex; another database would ship its own index here and its own ITextIndex.
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("CREATE VIRTUAL TABLE \"TextSegmentsFts\" USING fts5(\"Text\", \"VideoId\" UNINDEXED, \"Source\" UNINDEXED, tokenize = 'porter unicode61');");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("DROP TABLE IF EXISTS \"TextSegmentsFts\";");
            }

            migrationBuilder.DropTable(
                name: "TextEmbeddings");

            migrationBuilder.DropTable(
                name: "TextSegments");

            migrationBuilder.DropColumn(
                name: "Fingerprint",
                table: "Frames");

            migrationBuilder.DropColumn(
                name: "Group",
                table: "Frames");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "Frames");
        }
    }
}
