using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>The framework's help, with the exit codes at the foot of the root <c>--help</c>, where scripts' authors look.</summary>
internal sealed class ExitCodeHelp(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetFooter(model, command))
        {
            yield return renderable;
        }

        if (command is not null)
        {
            yield break;
        }

        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(2)).AddColumn();
        foreach (var (code, meaning) in ExitCodes.All)
        {
            grid.AddRow(new Text(code.ToString(CultureInfo.InvariantCulture)), new Text(meaning));
        }

        yield return new Markup(Environment.NewLine + "[yellow]EXIT CODES:[/]" + Environment.NewLine);
        yield return grid;
    }
}
