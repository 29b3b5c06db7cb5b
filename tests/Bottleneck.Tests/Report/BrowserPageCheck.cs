using System.Globalization;
using System.Text.Json;
using PuppeteerSharp;
using Xunit;

namespace Bottleneck.Tests.Report;

/// <summary>Skips a test only when Debian's Chromium is not installed (apt-get install chromium), saying so.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <see cref="BrowserPageCheck.Chromium"/> does not exist.</summary>
    public ChromiumFactAttribute()
    {
        if (!File.Exists(BrowserPageCheck.Chromium))
            Skip = $"no Chromium at {BrowserPageCheck.Chromium}: install it with 'apt-get install chromium' to run the report page's browser test";
    }
}

/// <summary>
/// Opens a report page in the system's headless Chromium (driven by PuppeteerSharp, which never downloads a browser
/// here) and lists what is wrong with it: images that do not decode, elements that stick out of the viewport at 390 and
/// 1,280 px (unless inside a box that scrolls), claim rows missing or extra against report.json, console errors, any
/// request that would leave the machine, and numbers on the page that differ from report.json's.
/// </summary>
public static class BrowserPageCheck
{
    /// <summary>Debian's Chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The widths the page must fit: a phone and a laptop.</summary>
    public static readonly int[] Widths = [390, 1280];

    /// <summary>Every problem found with the page at <paramref name="htmlPath"/> against the report.json text <paramref name="json"/>; empty when none.</summary>
    public static async Task<IReadOnlyList<string>> Problems(string htmlPath, string json)
    {
        var problems = new List<string>();
        using var profile = new TempFolder();
        var options = new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = profile.Path,
            Timeout = 180_000,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        };
        await using var browser = await Puppeteer.LaunchAsync(options);
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 180_000;
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error) lock (problems) problems.Add($"console error: {e.Message.Text}");
        };
        page.PageError += (_, e) => { lock (problems) problems.Add($"page error: {e.Message}"); };
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            var url = e.Request.Url;
            if (url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal))
                await e.Request.ContinueAsync();
            else
            {
                lock (problems) problems.Add($"network request (the page must work offline): {url}");
                await e.Request.AbortAsync();
            }
        };

        foreach (var width in Widths)
        {
            await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
            await page.GoToAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, WaitUntilNavigation.Load);
            foreach (var broken in await page.EvaluateFunctionAsync<string[]>(BrokenImages))
                problems.Add($"at {width} px: image does not decode: {broken}");
            foreach (var overflow in await page.EvaluateFunctionAsync<string[]>(Overflowing))
                problems.Add($"at {width} px: {overflow}");
        }

        using var report = JsonDocument.Parse(json);
        var claims = report.RootElement.GetProperty("claims").EnumerateArray().ToList();
        var rows = await page.EvaluateFunctionAsync<string[]>("() => Array.from(document.querySelectorAll('article[data-claim]')).map(a => a.dataset.claim)");
        var ids = claims.Select(c => c.GetProperty("id").GetString()!).ToList();
        foreach (var id in ids.Except(rows)) problems.Add($"claim row missing: {id}");
        foreach (var id in rows.Except(ids)) problems.Add($"claim row not in report.json: {id}");
        if (rows.Length != rows.Distinct().Count()) problems.Add("a claim row appears twice");

        var shown = await page.EvaluateFunctionAsync<string[][]>(
            "() => Array.from(document.querySelectorAll('span.value, span.sd')).map(s => [s.className, s.dataset.claim, s.dataset.index, s.textContent])");
        var onPage = shown.GroupBy(s => (s[0], s[1], s[2])).ToDictionary(g => g.Key, g => g.Select(s => s[3]).ToList());
        int expected = 0;
        foreach (var claim in claims)
        {
            var id = claim.GetProperty("id").GetString()!;
            var measured = claim.GetProperty("measured").EnumerateArray().ToList();
            for (int i = 0; i < measured.Count; i++)
            {
                var m = measured[i];
                int digits = m.GetProperty("digits").GetInt32();
                CheckNumber(problems, onPage, ("value", id, i.ToString(CultureInfo.InvariantCulture)), m.GetProperty("value").GetDouble(), digits, $"{id} #{i} value");
                expected++;
                if (m.TryGetProperty("standard_deviation", out var sd) && sd.ValueKind == JsonValueKind.Number)
                {
                    CheckNumber(problems, onPage, ("sd", id, i.ToString(CultureInfo.InvariantCulture)), sd.GetDouble(), digits, $"{id} #{i} standard deviation");
                    expected++;
                }
            }
        }
        if (shown.Length != expected) problems.Add($"the page shows {shown.Length} numbers, report.json has {expected}");
        return problems;
    }

    // The page's text must be the JSON value rounded to its digits: within half a unit of the last digit shown.
    static void CheckNumber(List<string> problems, Dictionary<(string, string, string), List<string>> onPage, (string, string, string) key,
        double value, int digits, string what)
    {
        if (!onPage.TryGetValue(key, out var texts) || texts.Count != 1)
        {
            problems.Add($"number {what}: {(texts is null ? "not on the page" : $"on the page {texts.Count} times")}");
            return;
        }
        var text = texts[0].Replace(",", "", StringComparison.Ordinal).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var shownValue))
            problems.Add($"number {what}: '{texts[0]}' on the page is not a number");
        else if (!(Math.Abs(shownValue - value) <= 0.5 * Math.Pow(10, -digits) * (1 + 1e-9) + 1e-12))
            problems.Add($"number {what}: the page shows {texts[0]}, report.json has {value.ToString("R", CultureInfo.InvariantCulture)}");
    }

    const string BrokenImages = """
        async () => {
          const images = Array.from(document.images);
          const results = await Promise.allSettled(images.map(i => i.decode()));
          return images.filter((i, n) => results[n].status !== 'fulfilled' || i.naturalWidth === 0)
                       .map(i => (i.alt || '(no alt)') + ' [' + i.src.slice(0, 40) + ']');
        }
        """;

    // An element overflows when it reaches past the viewport's right or left edge and no ancestor clips or scrolls it.
    const string Overflowing = """
        () => {
          const width = document.documentElement.clientWidth;
          const inScrollBox = el => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const o = getComputedStyle(p).overflowX;
              if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
            }
            return false;
          };
          const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '');
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if ((r.right > width + 1 || r.left < -1) && !inScrollBox(el))
              out.push(name(el) + ' overflows the viewport: ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px of ' + width);
          }
          if (document.documentElement.scrollWidth > width + 1)
            out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide for a ' + width + ' px viewport');
          return out;
        }
        """;
}
