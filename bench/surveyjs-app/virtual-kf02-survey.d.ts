/** The KF02 rubric as a SurveyJS survey definition, made by bench/first-load/kf02-survey.ts at build time. */
declare module 'virtual:kf02-survey' {
  const survey: object;
  export default survey;
}
