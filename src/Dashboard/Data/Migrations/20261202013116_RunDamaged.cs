using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneOff.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunDamaged : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LastSeenUtc",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutputsDamaged",
                table: "Runs",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastSeenUtc",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "OutputsDamaged",
                table: "Runs");
        }
    }
}
