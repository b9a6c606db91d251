export * from './interaction';
export * from './channel-adapter';
export * from './phone-number';
export * from './validation/validate-input';
export * from './phone/call-log.dto';
export * from './phone/phone.adapter';
