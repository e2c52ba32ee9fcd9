// The SDL of the demo's Admin GraphQL API stand-in (demo/admin-api.mjs): exactly the types and
// operations tiercart uses, with Shopify's field names (../shared/SHOPIFY.md sections 9 and 12).
// Where Shopify's schema has more (edges, pageInfo, most arguments), the stand-in leaves it out:
// a query that asks for it fails validation here as it would against a version without it.
// Error-code enums list the codes the stand-in answers with (its choice of Shopify's codes).

export const ADMIN_SDL = /* GraphQL */ `
  scalar DateTime
  scalar URL

  interface Node {
    id: ID!
  }

  enum ThemeRole {
    MAIN
    UNPUBLISHED
    DEMO
    DEVELOPMENT
    ARCHIVED
    LOCKED
  }
  enum DiscountClass {
    PRODUCT
    ORDER
    SHIPPING
  }
  enum DiscountStatus {
    ACTIVE
    EXPIRED
    SCHEDULED
  }

  enum MetafieldsSetUserErrorCode {
    APP_NOT_AUTHORIZED
    BLANK
    INCLUSION
    INVALID
    INVALID_TYPE
    INVALID_VALUE
    LESS_THAN_OR_EQUAL_TO
    PRESENT
    STALE_OBJECT
    TOO_LONG
    TOO_SHORT
  }
  enum DiscountErrorCode {
    BLANK
    INVALID
    INVALID_TYPE
    INVALID_VALUE
    TOO_LONG
    TOO_SHORT
    LESS_THAN_OR_EQUAL_TO
    FUNCTION_NOT_FOUND
    MAX_APP_DISCOUNTS
  }
  enum ValidationUserErrorCode {
    BLANK
    INVALID
    INVALID_TYPE
    INVALID_VALUE
    TOO_LONG
    TOO_SHORT
    LESS_THAN_OR_EQUAL_TO
    FUNCTION_NOT_FOUND
    MAX_VALIDATIONS_ACTIVATED
  }
  enum OrderEditUserErrorCode {
    INVALID
    NOT_FOUND
    ALREADY_COMMITTED
    NOT_EDITABLE
    DUPLICATE_VARIANT
  }

  type Metafield implements Node {
    id: ID!
    namespace: String!
    key: String!
    value: String!
    type: String!
    compareDigest: String!
    ownerType: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type AppInstallation implements Node {
    id: ID!
    metafield(namespace: String, key: String!): Metafield
  }

  # ISO 4217; the stand-in keeps it a scalar rather than Shopify's long enum.
  scalar CurrencyCode

  type Shop implements Node {
    id: ID!
    myshopifyDomain: String!
    currencyCode: CurrencyCode!
    ianaTimezone: String!
    metafield(namespace: String, key: String!): Metafield
  }

  type OnlineStoreThemeFileBodyText {
    content: String!
  }
  type OnlineStoreThemeFileBodyBase64 {
    contentBase64: String!
  }
  type OnlineStoreThemeFileBodyUrl {
    url: URL!
  }
  union OnlineStoreThemeFileBody =
    | OnlineStoreThemeFileBodyText
    | OnlineStoreThemeFileBodyBase64
    | OnlineStoreThemeFileBodyUrl

  type OnlineStoreThemeFile {
    filename: String!
    body: OnlineStoreThemeFileBody!
    size: Int!
    checksumMd5: String
    updatedAt: DateTime!
  }
  type OnlineStoreThemeFileConnection {
    nodes: [OnlineStoreThemeFile!]!
  }

  type OnlineStoreTheme implements Node {
    id: ID!
    name: String!
    role: ThemeRole!
    files(filenames: [String!], first: Int): OnlineStoreThemeFileConnection
  }
  type OnlineStoreThemeConnection {
    nodes: [OnlineStoreTheme!]!
  }

  type ProductVariant implements Node {
    id: ID!
    title: String!
    sku: String
    price: String!
    availableForSale: Boolean!
    product: Product!
  }
  type ProductVariantConnection {
    nodes: [ProductVariant!]!
  }

  type Product implements Node {
    id: ID!
    handle: String!
    title: String!
    productType: String!
    tags: [String!]!
    variants(first: Int, last: Int): ProductVariantConnection!
    collections(first: Int, last: Int): CollectionConnection!
  }
  type CollectionConnection {
    nodes: [Collection!]!
  }
  type ProductConnection {
    nodes: [Product!]!
  }

  type Collection implements Node {
    id: ID!
    handle: String!
    title: String!
    products(first: Int, last: Int): ProductConnection!
  }

  # One of its fields names the collection.
  input CollectionIdentifierInput {
    id: ID
    handle: String
  }

  type MailingAddress {
    firstName: String
    lastName: String
    company: String
    address1: String
    address2: String
    city: String
    provinceCode: String
    zip: String
    countryCodeV2: String
    phone: String
  }

  type Attribute {
    key: String!
    value: String
  }

  type LineItem implements Node {
    id: ID!
    title: String!
    variantTitle: String
    quantity: Int!
    currentQuantity: Int!
    variant: ProductVariant
  }
  type LineItemConnection {
    nodes: [LineItem!]!
  }

  type Order implements Node {
    id: ID!
    name: String!
    createdAt: DateTime!
    email: String
    phone: String
    note: String
    poNumber: String
    tags: [String!]!
    customAttributes: [Attribute!]!
    shippingAddress: MailingAddress
    lineItems(first: Int, last: Int): LineItemConnection!
    metafield(namespace: String, key: String!): Metafield
  }

  type CalculatedLineItem {
    id: ID!
    title: String!
    quantity: Int!
    variant: ProductVariant
  }
  type CalculatedLineItemConnection {
    nodes: [CalculatedLineItem!]!
  }

  type CalculatedOrder implements Node {
    id: ID!
    originalOrder: Order!
    committed: Boolean!
    lineItems(first: Int, last: Int): CalculatedLineItemConnection!
    addedLineItems(first: Int, last: Int): CalculatedLineItemConnection!
  }

  type OrderEditSession implements Node {
    id: ID!
  }

  type DiscountCombinesWith {
    orderDiscounts: Boolean!
    productDiscounts: Boolean!
    shippingDiscounts: Boolean!
  }

  type DiscountAutomaticApp {
    discountId: ID!
    title: String!
    status: DiscountStatus!
    startsAt: DateTime!
    endsAt: DateTime
    discountClasses: [DiscountClass!]!
    combinesWith: DiscountCombinesWith!
  }

  # Only app discounts live in the stand-in: the union has the one member.
  union Discount = DiscountAutomaticApp
  type DiscountNode implements Node {
    id: ID!
    discount: Discount!
    metafield(namespace: String, key: String!): Metafield
  }
  type DiscountNodeConnection {
    nodes: [DiscountNode!]!
  }
  type ValidationConnection {
    nodes: [Validation!]!
  }

  type Validation implements Node {
    id: ID!
    title: String!
    blockOnFailure: Boolean!
    metafield(namespace: String, key: String!): Metafield
  }

  type UserError {
    field: [String!]
    message: String!
  }
  type MetafieldsSetUserError {
    field: [String!]
    message: String!
    code: MetafieldsSetUserErrorCode
    elementIndex: Int
  }
  type DiscountUserError {
    field: [String!]
    message: String!
    code: DiscountErrorCode
  }
  type ValidationUserError {
    field: [String!]
    message: String!
    code: ValidationUserErrorCode
  }
  type OrderEditUserError {
    field: [String!]
    message: String!
    code: OrderEditUserErrorCode
  }

  type MetafieldsSetPayload {
    metafields: [Metafield!]
    userErrors: [MetafieldsSetUserError!]!
  }
  type DiscountAutomaticAppCreatePayload {
    automaticAppDiscount: DiscountAutomaticApp
    userErrors: [DiscountUserError!]!
  }
  type ValidationCreatePayload {
    validation: Validation
    userErrors: [ValidationUserError!]!
  }
  type TagsAddPayload {
    node: Node
    userErrors: [UserError!]!
  }
  type OrderEditBeginPayload {
    calculatedOrder: CalculatedOrder
    orderEditSession: OrderEditSession
    userErrors: [OrderEditUserError!]!
  }
  type OrderEditAddVariantPayload {
    calculatedLineItem: CalculatedLineItem
    calculatedOrder: CalculatedOrder
    orderEditSession: OrderEditSession
    userErrors: [OrderEditUserError!]!
  }
  # A discount on a line added in the same edit: a fixed amount off the line, or a percentage.
  input OrderEditAppliedDiscountInput {
    description: String
    fixedValue: MoneyInput
    percentValue: Float
  }
  input MoneyInput {
    amount: String!
    currencyCode: CurrencyCode!
  }
  type OrderEditAddLineItemDiscountPayload {
    calculatedLineItem: CalculatedLineItem
    calculatedOrder: CalculatedOrder
    orderEditSession: OrderEditSession
    userErrors: [OrderEditUserError!]!
  }
  type OrderEditSetQuantityPayload {
    calculatedLineItem: CalculatedLineItem
    calculatedOrder: CalculatedOrder
    orderEditSession: OrderEditSession
    userErrors: [OrderEditUserError!]!
  }
  type OrderEditCommitPayload {
    order: Order
    successMessages: [String!]
    userErrors: [OrderEditUserError!]!
  }
  type OrderUpdatePayload {
    order: Order
    userErrors: [UserError!]!
  }

  input MetafieldsSetInput {
    ownerId: ID!
    namespace: String
    key: String!
    type: String
    value: String!
    compareDigest: String
  }
  input MetafieldInput {
    id: ID
    namespace: String
    key: String
    type: String
    value: String
  }

  input DiscountCombinesWithInput {
    orderDiscounts: Boolean
    productDiscounts: Boolean
    shippingDiscounts: Boolean
  }
  input DiscountAutomaticAppInput {
    title: String
    functionHandle: String
    functionId: String @deprecated(reason: "Use functionHandle.")
    startsAt: DateTime
    endsAt: DateTime
    combinesWith: DiscountCombinesWithInput
    discountClasses: [DiscountClass!]
    metafields: [MetafieldInput!]
    appliesOnOneTimePurchase: Boolean
    appliesOnSubscription: Boolean
  }
  input ValidationCreateInput {
    functionHandle: String
    functionId: String
    enable: Boolean
    blockOnFailure: Boolean
    metafields: [MetafieldInput!]
    title: String
  }
  input MailingAddressInput {
    firstName: String
    lastName: String
    company: String
    address1: String
    address2: String
    city: String
    provinceCode: String
    zip: String
    countryCode: String
    phone: String
  }
  input AttributeInput {
    key: String!
    value: String!
  }
  input OrderInput {
    id: ID!
    shippingAddress: MailingAddressInput
    email: String
    phone: String
    note: String
    tags: [String!]
    customAttributes: [AttributeInput!]
    metafields: [MetafieldInput!]
    poNumber: String
  }

  type Query {
    currentAppInstallation: AppInstallation!
    shop: Shop!
    themes(first: Int, last: Int, roles: [ThemeRole!], names: [String!]): OnlineStoreThemeConnection
    theme(id: ID!): OnlineStoreTheme
    products(first: Int, last: Int, query: String): ProductConnection!
    order(id: ID!): Order
    # The objects of the ids, in their order; null for an id that names nothing.
    nodes(ids: [ID!]!): [Node]!
    collectionByIdentifier(identifier: CollectionIdentifierInput!): Collection
    # Every discount of the shop; query: Shopify's search syntax, of which the stand-in reads
    # type:app (its only kind) and title:... terms.
    discountNodes(first: Int, last: Int, query: String): DiscountNodeConnection!
    validations(first: Int, last: Int): ValidationConnection!
  }

  type Mutation {
    metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
    discountAutomaticAppCreate(automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppCreatePayload
    validationCreate(validation: ValidationCreateInput!): ValidationCreatePayload
    tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
    orderEditBegin(id: ID!): OrderEditBeginPayload
    orderEditAddVariant(
      id: ID!
      variantId: ID!
      quantity: Int!
      locationId: ID
      allowDuplicates: Boolean = false
    ): OrderEditAddVariantPayload
    orderEditSetQuantity(id: ID!, lineItemId: ID!, quantity: Int!, restock: Boolean): OrderEditSetQuantityPayload
    orderEditAddLineItemDiscount(
      id: ID!
      lineItemId: ID!
      discount: OrderEditAppliedDiscountInput!
    ): OrderEditAddLineItemDiscountPayload
    orderEditCommit(id: ID!, notifyCustomer: Boolean, staffNote: String): OrderEditCommitPayload
    orderUpdate(input: OrderInput!): OrderUpdatePayload
  }
`;
