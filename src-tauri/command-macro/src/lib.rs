//! `#[waybill_command_macro::command]` on a shell command does three things,
//! so that the command list in `commands/list.rs` is the only list there is:
//!
//! - applies `#[tauri::command]`;
//! - runs the body behind `crate::ipc::guarded`, so a panic becomes an
//!   `IpcError` instead of a promise that never settles in the window;
//! - adds `mod <name> { fn spec() }` describing the arguments the window
//!   sends (camelCase, as Tauri names them), the progress channel if any, the
//!   result, and whether it writes, from which a test writes the TypeScript
//!   wrappers, the capability file and the end-to-end tests' list of writes.
//!
//! `#[command(writes)]` marks a command that writes to the database: it must
//! ask for the user's confirmation (`confirm_write`), and a command that asks
//! must be marked, so the list of writes cannot drift from the code.
//!
//! Arguments Tauri injects (`State`, `AppHandle`, `Window`, `WebviewWindow`) are
//! not part of the window's call. Every command returns `Result<T, IpcError>`.

use proc_macro::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{parse_macro_input, FnArg, GenericArgument, ItemFn, Pat, PathArguments, ReturnType, Type};

const INJECTED: [&str; 4] = ["State", "AppHandle", "Window", "WebviewWindow"];

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn first_generic(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[proc_macro_attribute]
pub fn command(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = proc_macro2::TokenStream::from(attr);
    let writes = match attr.to_string().as_str() {
        "" => false,
        "writes" => true,
        _ => {
            return syn::Error::new_spanned(attr, "#[command] or #[command(writes)]")
                .to_compile_error()
                .into()
        }
    };
    let function = parse_macro_input!(item as ItemFn);
    match expand(function, writes) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Whether `tokens` call `confirm_write` anywhere.
fn asks_to_confirm(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "confirm_write",
        proc_macro2::TokenTree::Group(g) => asks_to_confirm(g.stream()),
        _ => false,
    })
}

fn expand(function: ItemFn, writes: bool) -> syn::Result<proc_macro2::TokenStream> {
    let sig = &function.sig;
    let name = &sig.ident;
    let asks = asks_to_confirm(function.block.to_token_stream());
    if asks != writes {
        let why = if asks {
            "this command asks to confirm a write: mark it #[command(writes)]"
        } else {
            "a command marked `writes` asks the user first: call confirm_write before writing"
        };
        return Err(syn::Error::new_spanned(sig, why));
    }
    if sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            sig,
            "commands are async: the window must never wait on the main thread",
        ));
    }
    let ReturnType::Type(_, returns) = &sig.output else {
        return Err(syn::Error::new_spanned(sig, "a command returns Result<T, IpcError>"));
    };
    let result = last_segment(returns)
        .filter(|s| s.ident == "Result")
        .and_then(first_generic)
        .ok_or_else(|| syn::Error::new_spanned(returns, "a command returns Result<T, IpcError>"))?;

    let mut args = Vec::new();
    let mut channel = None;
    let mut call_args = Vec::new();
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            return Err(syn::Error::new_spanned(input, "commands are free functions"));
        };
        let Pat::Ident(ident) = &*typed.pat else {
            return Err(syn::Error::new_spanned(&typed.pat, "name each argument"));
        };
        let arg = &ident.ident;
        call_args.push(quote!(#arg));
        let js = camel_case(&arg.to_string());
        let Some(segment) = last_segment(&typed.ty) else {
            return Err(syn::Error::new_spanned(
                &typed.ty,
                "an argument's type must be a named type",
            ));
        };
        if INJECTED.iter().any(|i| segment.ident == i) {
            continue;
        }
        let ty = &typed.ty;
        if segment.ident == "Channel" {
            let message = first_generic(segment)
                .ok_or_else(|| syn::Error::new_spanned(ty, "Channel<T> names its message type"))?;
            channel = Some(quote!(::core::option::Option::Some(crate::ipc::Arg::of::<#message>(#js))));
        } else {
            args.push(quote!(crate::ipc::Arg::of::<#ty>(#js)));
        }
    }
    let channel = channel.unwrap_or_else(|| quote!(::core::option::Option::None));
    let doc: Vec<String> = function
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let doc = doc.join(" ");
    let name_text = name.to_string();

    let attrs = &function.attrs;
    let vis = &function.vis;
    let body = &function.block;
    let inputs = &sig.inputs;
    let output = &sig.output;
    let generics = &sig.generics;
    let inner = format_ident!("__{}_body", name);
    Ok(quote! {
        #(#attrs)*
        #[::tauri::command]
        #vis async fn #name #generics (#inputs) #output {
            async fn #inner #generics (#inputs) #output #body
            crate::ipc::guarded(#name_text, #inner(#(#call_args),*)).await
        }

        #[cfg(test)]
        #[doc(hidden)]
        pub mod #name {
            #[allow(unused_imports)]
            use super::*;
            pub fn spec() -> crate::ipc::CommandSpec {
                crate::ipc::CommandSpec {
                    name: #name_text,
                    doc: #doc,
                    args: ::std::vec![#(#args),*],
                    channel: #channel,
                    returns: crate::ipc::Arg::of::<#result>(""),
                    writes: #writes,
                }
            }
        }
    })
}
