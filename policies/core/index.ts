/**
 * The mailguard core: one provider-free implementation of each rule, used by the components to
 * refuse bad input before anything is created and by the policy pack to judge any stack.
 */
export * from "./finding";
export * from "./txt";
export * from "./domain";
export * from "./address";
export * from "./spf";
export * from "./spf-eval";
export * from "./dmarc";
export * from "./dkim";
export * from "./ses-regions";
export * from "./egress";
