using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneOff.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunRunnerNote : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RunnerNote",
                table: "Runs",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RunnerNote",
                table: "Runs");
        }
    }
}
