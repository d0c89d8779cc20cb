// A small client written against the types openapi-typescript generates from docs/openapi.yaml
// (into the build folder as api.d.ts): it signs in, browses, orders and pays in the sandbox.
// tests/contract/typecheck_client.sh type-checks it with tsc --strict; it is not run. When a
// schema loses a field this code reads, or changes its type, the check fails.
import type { components, paths } from "./api";

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: infer R }
    ? S extends keyof R
      ? R[S] extends { content: { "application/json": infer B } }
        ? B
        : never
      : never
    : never;

type SignInAnswer = Json<"/v1/auth/login", "post", 200>;
type BrowsePage = Json<"/v1/products", "get", 200>;
type Product = Json<"/v1/products/{product_id}", "get", 200>;
type Order = Json<"/v1/orders", "post", 201>;
type PaymentIntent = Json<"/v1/orders/{order_id}/payment-intents", "post", 201>;
type Problem = components["schemas"]["Problem"];
type OrderStatus = components["schemas"]["OrderStatus"];
type FundPlan = components["schemas"]["FundPlan"];

class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.type}: ${problem.detail ?? problem.title}`);
  }
}

export class HuicaiClient {
  private token = "";
  constructor(private readonly base: string) {}

  private async call<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (key) headers["idempotency-key"] = key;
    const answer = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!answer.ok) throw new ApiError((await answer.json()) as Problem);
    return (await answer.json()) as T;
  }

  async signIn(login: string, password: string): Promise<void> {
    const answer = await this.call<SignInAnswer>("POST", "/v1/auth/login", { login, password });
    if ("mfa_required" in answer) throw new Error(`second factor needed: ${answer.challenge}`);
    this.token = answer.access_token;
  }

  async cheapestSku(): Promise<{ skuId: number; priceFen: number }> {
    const page = await this.call<BrowsePage>("GET", "/v1/products?limit=20");
    const first = (page.items ?? [])[0];
    if (!first || first.id === undefined) throw new Error("nothing listed");
    const product = await this.call<Product>("GET", `/v1/products/${first.id}`);
    const sku = (product.skus ?? []).find((candidate) => candidate.status === "active");
    if (!sku || sku.id === undefined || sku.price_fen === undefined) throw new Error("no SKU");
    return { skuId: sku.id, priceFen: sku.price_fen };
  }

  async order(skuId: number, quantity: number, plan: FundPlan): Promise<Order> {
    return this.call<Order>("POST", "/v1/orders", { lines: [{ sku_id: skuId, quantity }], fund_plan: plan },
      crypto.randomUUID());
  }

  async payInSandbox(order: Order): Promise<OrderStatus> {
    const intent = await this.call<PaymentIntent>("POST", `/v1/orders/${order.id}/payment-intents`,
      undefined, crypto.randomUUID());
    await this.call<unknown>("POST", intent.confirm_url);
    const paid = await this.call<Order>("GET", `/v1/orders/${order.id}`);
    const personalFen: number = paid.fund_shares
      .filter((share) => share.source === "personal")
      .reduce((sum, share) => sum + share.amount_fen, 0);
    if (personalFen !== intent.amount_fen) throw new Error("the intent is not the personal share");
    return paid.status;
  }
}

export async function walkthrough(base: string): Promise<OrderStatus> {
  const client = new HuicaiClient(base);
  await client.signIn("demo.employee", "Huicai-demo-2026");
  const { skuId } = await client.cheapestSku();
  const order = await client.order(skuId, 1, "personal");
  return client.payInSandbox(order);
}
