"""A stand-in for the parts of GitHub's REST API the action calls: a pull request's comments
(list, post, edit), the pull requests of a commit, workflow runs and their artifacts, a release and
its asset. It records every request, so tests check what the action would have sent."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "ghs_test_token_0123456789"
BOT = "github-actions[bot]"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []            # dicts: method, path, query, accept, body (parsed JSON or None)
        self.comments = {}            # pull request number -> list of {"id", "body", "user"}
        self.next_id = 1000
        self.refuse_writes = False    # a fork's read-only token: every write is 403
        self.pulls_of_commit = {}     # sha -> list of pull requests
        self.runs = []                # {"id", "workflow", "head_sha", "event", "status"}
        self.artifacts = {}           # run id -> list of {"name", "expired"}
        self.releases = {}            # tag -> list of asset names ("latest" too)
        self.asset_bytes = b"not really a .deb"

    def add_comment(self, pr, body, user="someone"):
        self.next_id += 1
        self.comments.setdefault(pr, []).append({"id": self.next_id, "body": body, "user": {"login": user}})
        return self.next_id

    def writes(self):
        return [r for r in self.requests if r["method"] in ("POST", "PATCH")]


class Handler(BaseHTTPRequestHandler):
    state = None  # set by serve()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_call("GET")

    def do_POST(self):
        self.handle_call("POST")

    def do_PATCH(self):
        self.handle_call("PATCH")

    def handle_call(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        record = {"method": method, "path": url.path, "query": parse_qs(url.query),
                  "accept": self.headers.get("Accept"), "body": json.loads(raw) if raw else None}
        with self.state.lock:
            self.state.requests.append(record)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.answer(401, {"message": "Bad credentials"})
            if method != "GET" and self.state.refuse_writes:
                return self.answer(403, {"message": "Resource not accessible by integration"})
            status, body = self.route(method, url.path, record)
        self.answer(status, body)

    def route(self, method, path, record):
        for pattern, handler in ROUTES:
            match = re.fullmatch(pattern, f"{method} {path}")
            if match:
                return handler(self.state, record, *match.groups())
        return 404, {"message": "Not Found"}

    def answer(self, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def list_comments(state, record, pr):
    page = int(record["query"].get("page", ["1"])[0])
    per_page = int(record["query"].get("per_page", ["30"])[0])
    comments = state.comments.get(int(pr), [])
    return 200, comments[(page - 1) * per_page:page * per_page]


def post_comment(state, record, pr):
    new_id = state.add_comment(int(pr), record["body"]["body"], BOT)
    return 201, {"id": new_id}


def edit_comment(state, record, comment_id):
    for comments in state.comments.values():
        for comment in comments:
            if comment["id"] == int(comment_id):
                comment["body"] = record["body"]["body"]
                return 200, comment
    return 404, {"message": "Not Found"}


def pulls_of_commit(state, record, sha):
    return 200, state.pulls_of_commit.get(sha, [])


def runs(state, record, workflow=None):
    q = {k: v[0] for k, v in record["query"].items()}
    found = [r for r in state.runs if (workflow is None or r["workflow"] == workflow)
             and all(r[key] == q[key] for key in ("head_sha", "event", "status") if key in q)]
    return 200, {"total_count": len(found), "workflow_runs": [{"id": r["id"]} for r in found]}


def artifacts(state, record, run_id):
    name = record["query"].get("name", [None])[0]
    found = [a for a in state.artifacts.get(int(run_id), []) if name is None or a["name"] == name]
    return 200, {"total_count": len(found), "artifacts": found}


def release(state, record, tag):
    if tag not in state.releases:
        return 404, {"message": "Not Found"}
    base = state.base_url
    return 200, {"tag_name": tag, "assets": [{"name": name, "url": f"{base}/assets/{name}"}
                                             for name in state.releases[tag]]}


def asset(state, record, name):
    return 200, state.asset_bytes


ROUTES = [
    (r"GET /repos/[^/]+/[^/]+/issues/(\d+)/comments", list_comments),
    (r"POST /repos/[^/]+/[^/]+/issues/(\d+)/comments", post_comment),
    (r"PATCH /repos/[^/]+/[^/]+/issues/comments/(\d+)", edit_comment),
    (r"GET /repos/[^/]+/[^/]+/commits/(\w+)/pulls", pulls_of_commit),
    (r"GET /repos/[^/]+/[^/]+/actions/workflows/([^/]+)/runs", lambda s, r, w: runs(s, r, w)),
    (r"GET /repos/[^/]+/[^/]+/actions/runs", runs),
    (r"GET /repos/[^/]+/[^/]+/actions/runs/(\d+)/artifacts", artifacts),
    (r"GET /repos/[^/]+/[^/]+/releases/(?:tags/)?([^/]+)", release),
    (r"GET /assets/([^/]+)", asset),
]


def serve():
    """Starts a fake GitHub API on a free loopback port: (server, state, base URL)."""
    state = State()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, state.base_url
