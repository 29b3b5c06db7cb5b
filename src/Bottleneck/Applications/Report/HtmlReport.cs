using System.Globalization;
using System.Net;
using System.Text;
using Bottleneck.IO;

namespace Bottleneck.Applications.Report;

/// <summary>
/// The report as one self-contained HTML page: CSS inline, figures embedded as <c>data:image/png;base64</c>, no script,
/// nothing fetched. A summary table of verdicts, then one row per claim — the chapter's statement and number, the
/// settings, the measured values, the verdict with its rule, the full budget's figure — with its figure beside it on a
/// wide screen and below it on a phone. Tables scroll inside their own box; images never exceed their column.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Writes the page to <paramref name="path"/> atomically, embedding each claim's figure from <paramref name="figureFolder"/>.</summary>
    public static void Save(string path, ReportDocument document, string figureFolder) =>
        AtomicFile.WriteAllText(path, Render(document, name =>
        {
            var file = Path.Combine(figureFolder, name);
            return File.Exists(file) ? File.ReadAllBytes(file) : null;
        }));

    /// <summary>The page; <paramref name="figure"/> gives a figure's PNG bytes by file name (null: the row says it is missing).</summary>
    public static string Render(ReportDocument document, Func<string, byte[]?> figure)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(document.Title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(E(document.Title)).Append("</h1>\n");
        if (document.Introduction is { } intro) html.Append("<p>").Append(E(intro)).Append("</p>\n");
        html.Append("<p class=\"meta\">Budget <strong>").Append(E(document.Budget.Name())).Append("</strong> · Bottleneck ")
            .Append(E(document.LibraryVersion)).Append(" · ").Append(E(document.Machine)).Append(" · written ")
            .Append(E(document.GeneratedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))).Append("</p>\n");
        Summary(html, document);
        foreach (var claim in document.Claims) Row(html, claim, figure);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    static void Summary(StringBuilder html, ReportDocument document)
    {
        html.Append("<h2>Verdicts</h2>\n<div class=\"scroll\"><table class=\"summary\">\n<thead><tr><th>section</th><th>claim</th><th>verdict</th></tr></thead>\n<tbody>\n");
        foreach (var c in document.Claims)
            html.Append("<tr data-summary=\"").Append(E(c.Id)).Append("\"><td>").Append(E(c.Section)).Append("</td><td><a href=\"#claim-")
                .Append(E(c.Id)).Append("\">").Append(E(c.Id)).Append("</a></td><td><span class=\"verdict ").Append(c.Verdict.Key()).Append("\">")
                .Append(E(c.Verdict.Text())).Append("</span></td></tr>\n");
        html.Append("</tbody>\n</table></div>\n");
        var counts = Enum.GetValues<Verdict>().Select(v => (v, n: document.Claims.Count(c => c.Verdict == v))).Where(x => x.n > 0);
        html.Append("<p>").Append(E(string.Join(" · ", counts.Select(x => $"{x.n} {x.v.Text()}")))).Append("</p>\n");
    }

    static void Row(StringBuilder html, ClaimResult c, Func<string, byte[]?> figure)
    {
        html.Append("<article class=\"claim\" id=\"claim-").Append(E(c.Id)).Append("\" data-claim=\"").Append(E(c.Id)).Append("\">\n<div class=\"text\">\n");
        html.Append("<h2><span class=\"section\">").Append(E(c.Section)).Append("</span> ").Append(E(c.Id)).Append("</h2>\n");
        html.Append("<p class=\"statement\"><strong>The chapter:</strong> ").Append(E(c.Statement)).Append(" <em>").Append(E(c.ChapterFigure)).Append("</em></p>\n");
        html.Append("<p><span class=\"verdict ").Append(c.Verdict.Key()).Append("\" data-verdict=\"").Append(c.Verdict.Key()).Append("\">")
            .Append(E(c.Verdict.Text())).Append("</span> ").Append(E(c.Finding)).Append("</p>\n");
        html.Append("<div class=\"scroll\"><table class=\"measured\">\n<thead><tr><th>measured</th><th>value</th><th>unit</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < c.Measured.Count; i++)
        {
            var m = c.Measured[i];
            html.Append("<tr><td>").Append(E(m.Name)).Append("</td><td class=\"number\"><span class=\"value\" data-claim=\"").Append(E(c.Id))
                .Append("\" data-index=\"").Append(i).Append("\">").Append(E(m.ValueText)).Append("</span>");
            if (m.StandardDeviationText is { } sd)
                html.Append(" ± <span class=\"sd\" data-claim=\"").Append(E(c.Id)).Append("\" data-index=\"").Append(i).Append("\">").Append(E(sd)).Append("</span>");
            html.Append("</td><td class=\"unit\">").Append(E(m.Unit)).Append(m.Seeds > 1 ? E($" ({m.Seeds} seeds)") : "").Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table></div>\n<dl>\n");
        html.Append("<dt>Rule</dt><dd>").Append(E(c.Rule)).Append("</dd>\n");
        html.Append("<dt>Measured with</dt><dd>").Append(E(c.Settings.Describe())).Append(" (budget ").Append(E(c.Settings.Budget.Name()))
            .Append(c.Reduced ? ": measured at a reduced budget" : c.Settings.Budget == ReportBudget.Full ? "" : ": the same work as the full budget")
            .Append(c.Seconds > 0 ? E($"; {c.Seconds.ToString("0.#", CultureInfo.InvariantCulture)} s") : "")
            .Append(c.CpuSeconds > 0 ? E($", {c.CpuSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s of CPU") : "").Append(")</dd>\n");
        html.Append("<dt>Full budget</dt><dd>").Append(E(c.FullBudget)).Append("</dd>\n</dl>\n</div>\n");
        if (c.Figure is { } name)
        {
            var bytes = figure(name);
            html.Append("<figure>");
            if (bytes is null) html.Append("<p class=\"missing\">figure ").Append(E(name)).Append(" is missing</p>");
            else html.Append("<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(bytes)).Append("\" alt=\"")
                .Append(E(c.FigureCaption ?? c.Id)).Append("\">");
            if (c.FigureCaption is { } caption) html.Append("<figcaption>").Append(E(caption)).Append("</figcaption>");
            html.Append("</figure>\n");
        }
        html.Append("</article>\n");
    }

    static string E(string text) => WebUtility.HtmlEncode(text);

    // Narrow screens stack each row (text, then figure); tables scroll inside their own box; long words wrap.
    const string Css = """

        *,*::before,*::after{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fafafa}
        main{max-width:1200px;margin:0 auto;padding:12px}
        h1{font-size:1.6em;margin:.4em 0}
        h2{font-size:1.2em;margin:.2em 0 .4em}
        p,dd,dt,figcaption,h1,h2{overflow-wrap:anywhere}
        td,th{overflow-wrap:break-word}
        .meta{color:#555;font-size:.9em}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;margin:.4em 0}
        th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        td.number{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        td.unit,.summary td:first-child{white-space:nowrap}
        .claim{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:14px 0}
        .claim .text{min-width:0}
        .section{color:#555;font-weight:normal}
        figure{margin:0;min-width:0}
        img{max-width:100%;height:auto;display:block}
        figcaption{font-size:.85em;color:#555;margin-top:4px}
        dl{margin:.4em 0}
        dt{font-weight:600;margin-top:.4em}
        dd{margin:0 0 0 1em}
        .verdict{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:.9em;white-space:nowrap}
        .confirmed{background:#d9f2dd;color:#14532d}
        .refuted{background:#fadcdc;color:#7f1d1d}
        .corrected{background:#fdf0c9;color:#713f12}
        .not-reproducible-at-budget{background:#e5e7eb;color:#374151}
        .missing{color:#7f1d1d}
        @media (max-width:800px){.claim{grid-template-columns:minmax(0,1fr)}.verdict{white-space:normal}}

        """;
}
