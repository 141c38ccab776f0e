using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaasWeb.Processing.Data.Migrations
{
    /// <inheritdoc />
    public partial class Generations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StepDetail",
                table: "Tasks",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "Tasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Generations",
                columns: table => new
                {
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Prompt = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PromptOptimizer = table.Column<bool>(type: "INTEGER", nullable: false),
                    FirstFrameId = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstFramePath = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    NarrationText = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: true),
                    VoiceId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    MiniMaxTaskId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    MiniMaxStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    FileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FileBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    VideoWidth = table.Column<int>(type: "INTEGER", nullable: true),
                    VideoHeight = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeadlineAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ResultVideoId = table.Column<Guid>(type: "TEXT", nullable: true),
                    NarratedVideoId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Generations", x => x.TaskId);
                    table.ForeignKey(
                        name: "FK_Generations_Tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "Tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Generations_SubmittedAt",
                table: "Generations",
                column: "SubmittedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Generations");

            migrationBuilder.DropColumn(
                name: "StepDetail",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Title",
                table: "Tasks");
        }
    }
}
