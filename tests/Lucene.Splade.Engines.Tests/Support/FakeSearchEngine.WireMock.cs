using System.Text;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Lucene.Splade.TestSupport;

/// <summary>The fake engine's HTTP server in these tests: WireMock.Net on a free loopback port, one callback for every request.</summary>
internal sealed partial class FakeSearchEngine
{
    private partial IDisposable StartServer(out string url)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(request =>
        {
            var body = request.BodyAsBytes is { } bytes ? Encoding.UTF8.GetString(bytes) : request.Body ?? "";
            var answer = Handle(new RecordedRequest(request.Method, request.Path, Header(request, "Content-Type"), Header(request, "Accept"), body));
            var response = new ResponseMessage
            {
                StatusCode = answer.Status,
                BodyData = new BodyData { BodyAsString = answer.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
            };
            response.AddHeader("Content-Type", FakeResponse.ContentType);
            if (answer.ElasticProduct is { } product)
            {
                response.AddHeader("X-Elastic-Product", product);
            }

            if (answer.RetryAfterSeconds is { } seconds)
            {
                response.AddHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return response;
        }));
        url = server.Url!;
        return new Stopping(server);
    }

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values ? string.Join(", ", values) : null;

    private sealed class Stopping(WireMockServer server) : IDisposable
    {
        public void Dispose() => server.Stop();
    }
}
